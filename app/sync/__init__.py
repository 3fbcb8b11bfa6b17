"""Sync between this laptop and the centre: the protocol both sides speak, the laptop's
client and engine. Never imports Qt; the window only shows progress (ui/sync/)."""
