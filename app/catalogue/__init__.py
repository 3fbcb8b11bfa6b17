"""Qualification catalogue: specification packs and the checks they must pass."""
