package io.ringmaster.model;

import java.lang.reflect.Field;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.layers.convolution.ConvolutionHelper;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingHelper;
import org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Routes DL4J's 2-D convolution layers through libnd4j's {@code conv2d} / {@code conv2d_bp} custom ops
 * instead of DL4J's Java path.
 *
 * <p>Why: in DL4J 1.0.0-M2.1 {@code ConvolutionLayer} without a helper lays the input out with
 * {@code Convolution.im2col} into a <em>permuted view</em> ({@code [mb, oH, oW, c, kH, kW]} permuted to
 * {@code [mb, c, kH, kW, oH, oW]}), so the im2col op writes through strides and takes ~70% of LeNet's
 * step, against ~5% in the GEMM. libnd4j's {@code conv2d} op does its own im2col into a contiguous buffer
 * and one GEMM. DL4J reaches that op only through its oneDNN helper ({@code MKLDNNConvHelper}), and only
 * when (a) the system property {@code org.eclipse.deeplearning4j.helpers.disable} is {@code false} (M2.1
 * defaults it to {@code true}: helpers are off unless asked for) and (b) the loaded {@code nd4j-native}
 * build is a oneDNN build ({@code Nd4jCpu.Environment.isUseMKLDNN()}). Neither holds for the generic or AVX2
 * builds, so the helper never ran. The helper itself only builds the op's arguments; on builds without
 * oneDNN the op runs libnd4j's own implementation, so this class installs it regardless of the build.
 *
 * <p>The results equal the im2col path within float rounding (different summation order); every replica
 * of a job takes the same path, so replicas stay bit-identical. The user's model configuration is not
 * changed: the helper is set on the built layers, so a JSON model needs no rewriting. Layers the op does
 * not cover (subclasses such as deconvolution or depthwise convolution, causal mode, non-FLOAT data) keep
 * DL4J's own path. If the op ever fails, DL4J's layer falls back to its own path on its own (its
 * {@code cudnnAllowFallback}, true by default).
 *
 * <p>What it installs: on plain NCHW convolutions without dilation, {@link BatchedConvHelper} (one GEMM per
 * layer and direction over the whole minibatch, the forward pass reused by the backward one); on the other
 * plain convolutions (NHWC, dilation), the {@code conv2d}-op helper ({@link OpHelper}); on plain
 * {@code SubsamplingLayer}s, {@link MaxPoolHelper} (a Java backward pass for max pooling; other pooling types
 * and the forward pass stay DL4J's).
 *
 * <p>Switched off with the system property {@value #DISABLE_PROPERTY}{@code =true} (for comparisons): then
 * no helper at all is installed.
 */
public final class Conv2dOps {
  /** System property that keeps DL4J's im2col path when {@code true}. */
  public static final String DISABLE_PROPERTY = "ringmaster.conv2dOps.disable";

  private static final Field HELPER = helperField(ConvolutionLayer.class, ConvolutionHelper.class);
  private static final Field POOL_HELPER = helperField(SubsamplingLayer.class, SubsamplingHelper.class);

  private Conv2dOps() {}

  /**
   * Installs the helpers (see the class comment) on every plain convolution and subsampling layer of an
   * initialised network that has none yet. Idempotent.
   *
   * @return how many convolution layers now run through a helper (0 when disabled or when the network has none)
   */
  public static int install(MultiLayerNetwork net) {
    if (Boolean.getBoolean(DISABLE_PROPERTY) || net.getLayers() == null) {
      return 0;
    }
    int routed = 0;
    for (Layer layer : net.getLayers()) {
      if (layer.getClass() == SubsamplingLayer.class && ((SubsamplingLayer) layer).getHelper() == null) {
        try {
          POOL_HELPER.set(layer, new MaxPoolHelper());
        } catch (IllegalAccessException e) {
          throw new IllegalStateException("cannot set the helper of DL4J's SubsamplingLayer: " + e, e);
        }
      }
      if (layer.getClass() != ConvolutionLayer.class) {
        continue;
      }
      ConvolutionLayer conv = (ConvolutionLayer) layer;
      if (routed(conv)) {
        routed++;
        continue;
      }
      if (conv.getHelper() != null || conv.getConvolutionMode() == ConvolutionMode.Causal
          || conv.getParam("W") == null || conv.getParam("W").dataType() != DataType.FLOAT) {
        continue;
      }
      org.deeplearning4j.nn.conf.layers.ConvolutionLayer conf =
          (org.deeplearning4j.nn.conf.layers.ConvolutionLayer) conv.conf().getLayer();
      boolean keep = net.getLayerWiseConfigurations().getCacheMode() == null
          || net.getLayerWiseConfigurations().getCacheMode() == CacheMode.NONE;
      ConvolutionHelper helper = BatchedConvHelper.supports(conf.getCnn2dDataFormat(), conf.getDilation(),
          conv.getConvolutionMode()) ? new BatchedConvHelper(keep) : new OpHelper();
      try {
        HELPER.set(conv, helper);
      } catch (IllegalAccessException e) {
        throw new IllegalStateException("cannot set the helper of DL4J's ConvolutionLayer: " + e, e);
      }
      routed++;
    }
    return routed;
  }

  /** Whether a layer runs through the op (for tests and logs). */
  public static boolean routed(Layer layer) {
    return layer instanceof ConvolutionLayer c
        && (c.getHelper() instanceof OpHelper || c.getHelper() instanceof BatchedConvHelper);
  }

  private static Field helperField(Class<?> layer, Class<?> helper) {
    try {
      Field f = layer.getDeclaredField("helper");
      f.setAccessible(true);
      if (!helper.isAssignableFrom(f.getType())) {
        throw new IllegalStateException(layer.getSimpleName() + ".helper has type " + f.getType());
      }
      return f;
    } catch (NoSuchFieldException e) {
      throw new IllegalStateException("DL4J's " + layer.getSimpleName() + " has no 'helper' field: this class was"
          + " written for DL4J 1.0.0-M2.1; check the DL4J version", e);
    }
  }

  /** Whether a pooling layer runs through {@link MaxPoolHelper} (for tests and logs). */
  public static boolean pooledInJava(Layer layer) {
    return layer instanceof SubsamplingLayer s && s.getHelper() instanceof MaxPoolHelper;
  }

  /** DL4J's helper that calls {@code conv2d}/{@code conv2d_bp}, usable on every nd4j-native build. */
  static final class OpHelper extends MKLDNNConvHelper {
    OpHelper() {
      super(DataType.FLOAT);
    }

    @Override
    public boolean checkSupported() {
      return true;
    }
  }
}
