/**
 * Whether a pid names a running process on this machine: `kill(pid, 0)` fails with ESRCH only
 * when there is none (EPERM means it runs under another user). The send lock and the build's
 * staging marks both use it to tell a dead holder from a live one.
 */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
