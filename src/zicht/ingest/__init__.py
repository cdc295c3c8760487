"""Ingest of partner files: source file + mapping -> standard records + quarantined rows."""
