package io.ringmaster.coordinator.store;

/** The {@link JobStore} contract for {@link InMemoryJobStore}. */
class InMemoryJobStoreTest extends JobStoreContractTest {
  @Override
  JobStore newStore() {
    return new InMemoryJobStore();
  }
}
