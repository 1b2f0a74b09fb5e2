-- The flag pass's plans look expensive to the planner and JIT compiling them costs more than it saves.
SET LOCAL jit = off
