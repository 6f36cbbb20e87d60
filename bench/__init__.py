"""Benchmarks for kubehop: a deterministic manifest corpus generator and the scan benchmark."""
