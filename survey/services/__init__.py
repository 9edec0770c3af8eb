"""Domain operations: plain functions that change objects and flush, never commit."""
