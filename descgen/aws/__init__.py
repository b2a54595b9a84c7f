"""AWS adapters: clients built from settings, and the few calls descgen makes."""
