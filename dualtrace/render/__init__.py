"""Writers of maps and other outputs for people."""
