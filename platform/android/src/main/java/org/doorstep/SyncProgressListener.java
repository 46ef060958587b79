package org.doorstep;

/**
 * Receives a sync's progress on the thread running the sync, before {@link Sync#sync} returns.
 * It must not call into the same store. An exception thrown here cancels the sync and is rethrown
 * from {@link Sync#sync}.
 */
public interface SyncProgressListener {
  void onProgress(SyncProgress progress);
}
