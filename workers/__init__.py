"""The server's training processes: worker, slots, cost estimate, sweep executor, run views."""
