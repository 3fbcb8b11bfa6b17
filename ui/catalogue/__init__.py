"""The qualification catalogue in the window: browsing, searching and importing packs."""
