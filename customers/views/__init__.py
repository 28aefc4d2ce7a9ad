"""Customers pages: the book (list, customer page), imports, handovers."""
