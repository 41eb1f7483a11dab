"""Benchmarks of vorlagengen (make bench): not part of the runtime package."""
