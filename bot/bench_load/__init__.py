"""`make bench-load`: the assistant and the stock Rasa reference bot under the same traffic, in
the same run, printed side by side as ratios (never asserted: a noisy machine makes timed tests
flaky). `servers` starts what is measured, `traffic` drives it, `__main__` prints the table."""
