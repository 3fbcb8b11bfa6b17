"""Sync without a network: a sealed archive of changes and evidence files for a USB stick."""
