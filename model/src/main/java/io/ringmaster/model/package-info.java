/**
 * A job's network, as the coordinator validates it and every worker builds it. {@link
 * io.ringmaster.model.ModelFactory} is the one entry point: {@code validate} lists every problem that keeps
 * a {@code ModelSpec} from training on data of a given shape (as {@code Violation}s with field paths, never
 * throwing), {@code configuration} and {@code build} give the DL4J network with the job's updater and seed,
 * bit-identical in every JVM. Behind it: the built-in architectures ({@code mlp}, {@code lenet}), DL4J
 * {@code MultiLayerConfiguration} JSON models (parsed, checked for what exact gradient averaging cannot
 * support, then built and run on two zero rows to catch every shape problem DL4J knows of), activation
 * names and updaters.
 *
 * <p>The coordinator uses only {@code validate}; the worker's training engine ({@code
 * io.ringmaster.worker.engine}) uses {@code build}. Running a JSON model during validation needs an ND4J
 * backend, so this module declares the CPU backend ({@code nd4j-native}) for both.
 *
 * <p>Speed: {@link io.ringmaster.model.Conv2dOps} gives DL4J's convolution layers a helper that computes a
 * whole minibatch with one GEMM per direction over a channel-major column matrix written in Java
 * ({@code BatchedConvHelper}, {@code ChannelMajorColumns}) and reuses the forward pass in the backward one,
 * and max-pooling layers a Java backward pass ({@code MaxPoolHelper}): ~6x less CPU per LeNet step than
 * DL4J's own path, equal within float rounding; {@code build} installs them, and so does the worker's
 * {@code Replica}. See docs/ENGINE-SPEED.md.
 */
package io.ringmaster.model;
