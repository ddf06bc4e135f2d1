package io.ringmaster.coordinator.checkpoint;

import io.grpc.ServerServiceDefinition;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;

/** The checkpoint service contract over real HTTP/2 on loopback, with gRPC's default 4 MiB message limit. */
class CheckpointServiceNettyTest extends CheckpointServiceContractTest {
  @Override
  Server startServer(ServerServiceDefinition service) throws Exception {
    return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(service).build().start();
  }

  @Override
  ManagedChannel connect(Server server) {
    return NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
  }
}
