package io.ringmaster.job.data;

/**
 * Shape of a dataset: how many samples, the feature layout and the number of classes.
 *
 * @param samples number of samples, >= 1
 * @param channels,height,width feature layout; features = channels * height * width. CSV: 1 x 1 x features
 * @param classes number of classes; labels are 0 .. classes-1
 */
public record DatasetInfo(long samples, int channels, int height, int width, int classes) {
  public DatasetInfo {
    if (samples < 0 || channels < 1 || height < 1 || width < 1 || classes < 1) {
      throw new IllegalArgumentException("invalid dataset shape: samples=" + samples + " channels=" + channels
          + " height=" + height + " width=" + width + " classes=" + classes);
    }
  }

  public int features() {
    return channels * height * width;
  }

  public io.ringmaster.proto.v1.DatasetInfo toProto() {
    return io.ringmaster.proto.v1.DatasetInfo.newBuilder()
        .setSamples(samples).setChannels(channels).setHeight(height).setWidth(width).setClasses(classes)
        .build();
  }

  public static DatasetInfo fromProto(io.ringmaster.proto.v1.DatasetInfo p) {
    return new DatasetInfo(p.getSamples(), p.getChannels(), p.getHeight(), p.getWidth(), p.getClasses());
  }
}
