"""Local storage: one SQLite file per data folder, opened through `Store`."""
