-- evaluate's own session (set once, before any statement). No JIT: its statements read
-- 10^5-10^7 rows once, and compiling them cost 1-3 s per statement on a loaded machine, more
-- than it saved. A larger work_mem lets calibration's hash aggregate (about two groups per
-- scored draw and model) stay in memory instead of spilling to 32 batches on disk.
set jit = off;
set work_mem = '64MB'
