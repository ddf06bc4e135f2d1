/**
 * Measuring the ND4J native builds on this machine: {@link io.ringmaster.model.calibrate.Nd4jStepProbe}
 * is the short JVM the coordinator's calibration ({@code Nd4jCalibration}) starts once per build on the
 * classpath to time a training step with it.
 */
package io.ringmaster.model.calibrate;
