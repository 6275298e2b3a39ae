"""Fakes that behave like real parts (drives, boards), for tests and benchmarks."""
