package io.ringmaster.worker.engine;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Java NIO views over the off-heap memory of ND4J arrays (no copies). */
final class NioViews {
  private NioViews() {}

  /** Float view of a contiguous array's elements (position 0, limit = length). */
  static FloatBuffer floatView(INDArray a) {
    return byteView(a).asFloatBuffer();
  }

  /** Byte view, in native order, of a contiguous FLOAT array that owns its whole buffer. */
  static ByteBuffer byteView(INDArray a) {
    if (a.dataType() != DataType.FLOAT || a.data().length() != a.length() || a.offset() != 0) {
      throw new IllegalStateException("expected a contiguous FLOAT array with its own buffer, got "
          + a.shapeInfoToString());
    }
    ByteBuffer b = a.data().asNio();
    return b.position(0).limit((int) (a.length() * Float.BYTES)).slice().order(ByteOrder.nativeOrder());
  }
}
