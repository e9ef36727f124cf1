"""The headless core library: storage, scheduling, generation, exchange. Never imports Qt."""
