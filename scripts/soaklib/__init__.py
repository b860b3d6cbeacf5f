"""The parts of scripts/soak.py: common (settings, log, violations), daemon (a vigil process
and its incarnations), load (webhook clients, the job stream), phase (one phase's run and checks)."""
