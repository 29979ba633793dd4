"""The screens, each a class with its own .kv (DESIGN.md §8.7). Screens show view-model state and pass
touches to view-model methods; they never call the network."""
