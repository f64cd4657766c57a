"""Batch scanning of crawled websites (``claimcheck scan``): inputs, prefilter,
workers and the SQLite results store. The store's schema is ``schema.sql``."""
