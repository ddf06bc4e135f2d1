package io.ringmaster.worker.collective;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.UnsafeByteOperations;
import io.grpc.Detachable;
import io.grpc.HasByteBuffer;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.protobuf.ProtoUtils;
import io.ringmaster.proto.v1.RingFrame;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Server-side marshaller of ring frames that parses without copying the payload: it takes ownership of
 * gRPC's receive buffers ({@link Detachable}), views them as {@link ByteBuffer}s ({@link
 * HasByteBuffer}) and lets protobuf alias the {@code data} field into them. The buffers are handed back
 * by {@link InboundFrame#release()}. When the transport cannot expose its buffers this way, it falls
 * back to protobuf's ordinary (copying) parser.
 */
final class RingFrameMarshaller implements MethodDescriptor.Marshaller<InboundFrame> {
  private static final MethodDescriptor.Marshaller<RingFrame> PROTO =
      ProtoUtils.marshaller(RingFrame.getDefaultInstance());

  @Override
  public InputStream stream(InboundFrame value) {
    return PROTO.stream(value.frame());
  }

  @Override
  public InboundFrame parse(InputStream stream) {
    if (stream instanceof Detachable detachable
        && stream instanceof HasByteBuffer hasBuffers
        && hasBuffers.byteBufferSupported()
        && stream.markSupported()) {
      InputStream owned = detachable.detach();
      try {
        return new InboundFrame(parseAliased(owned), owned);
      } catch (IOException | RuntimeException e) {
        closeQuietly(owned);
        throw Status.INTERNAL.withDescription("cannot parse ring frame: " + e).withCause(e)
            .asRuntimeException();
      }
    }
    return new InboundFrame(PROTO.parse(stream), null);
  }

  private static RingFrame parseAliased(InputStream owned) throws IOException {
    // keep the buffers we step over alive until close(): the parsed frame points into them
    owned.mark(Integer.MAX_VALUE);
    HasByteBuffer buffers = (HasByteBuffer) owned;
    List<ByteString> parts = new ArrayList<>();
    while (owned.available() > 0) {
      ByteBuffer part = buffers.getByteBuffer();
      if (part == null || !part.hasRemaining()) {
        throw new IOException("transport buffer not exposed as a ByteBuffer");
      }
      int n = part.remaining();
      parts.add(UnsafeByteOperations.unsafeWrap(part));
      long skipped = owned.skip(n);
      if (skipped != n) {
        throw new IOException("skipped " + skipped + " of " + n + " bytes");
      }
    }
    CodedInputStream input = ByteString.copyFrom(parts).newCodedInput();
    input.enableAliasing(true);
    return RingFrame.parseFrom(input);
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException ignored) {
      // nothing to do
    }
  }
}
