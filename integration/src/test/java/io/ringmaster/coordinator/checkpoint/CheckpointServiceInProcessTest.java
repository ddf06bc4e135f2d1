package io.ringmaster.coordinator.checkpoint;

import io.grpc.ServerServiceDefinition;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;

/** The checkpoint service contract over the in-process transport. */
class CheckpointServiceInProcessTest extends CheckpointServiceContractTest {
  private String name;

  @Override
  Server startServer(ServerServiceDefinition service) throws Exception {
    name = InProcessServerBuilder.generateName();
    return InProcessServerBuilder.forName(name).addService(service).build().start();
  }

  @Override
  ManagedChannel connect(Server server) {
    return InProcessChannelBuilder.forName(name).build();
  }
}
