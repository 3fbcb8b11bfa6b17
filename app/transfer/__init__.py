"""Evidence files between a laptop and the centre: resumable uploads (tus) and lazy,
resumable downloads (HTTP Range), by SHA-256, with progress for the window. No Qt here."""
