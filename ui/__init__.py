"""The Qt window. Widgets here lay out and render; the rules live in `app/`."""
