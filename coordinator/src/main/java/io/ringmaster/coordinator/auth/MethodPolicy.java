package io.ringmaster.coordinator.auth;

import io.ringmaster.proto.v1.AuditServiceGrpc;
import io.ringmaster.proto.v1.DatasetServiceGrpc;
import io.ringmaster.proto.v1.JobServiceGrpc;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which role each method of the client API needs. The client API is every method of {@code JobService},
 * {@code AuditService} and {@code DatasetService} except the two that workers call ({@code DownloadFile}, {@code UploadModel}),
 * which belong to the worker plane and are authenticated as workers are. A method of a client service
 * missing from the table is refused to everyone (a method added to the proto without a decision here
 * fails closed). Methods of other services (worker control, checkpoints, health, reflection) are not
 * client methods: this table does not apply to them.
 */
public final class MethodPolicy {
  /** What a method needs. */
  public sealed interface Access permits Access.Client, Access.WorkerPlane, Access.NotClientApi, Access.Unlisted {
    /** A client method open to callers whose role allows {@code role}. */
    record Client(Role role) implements Access {}

    /**
     * A client-service method that workers call; authenticated as a worker (the job's secret, by {@link
     * io.ringmaster.coordinator.security.WorkerCallGuard}), not by a client token.
     */
    record WorkerPlane() implements Access {}

    /** A method of a service outside the client API. */
    record NotClientApi() implements Access {}

    /** A client-service method this table does not know: refused. */
    record Unlisted() implements Access {}
  }

  private static final Set<String> CLIENT_SERVICES = Set.of(JobServiceGrpc.SERVICE_NAME,
      DatasetServiceGrpc.SERVICE_NAME, AuditServiceGrpc.SERVICE_NAME);

  private final Map<String, Access> methods = new HashMap<>();

  /** The table of this coordinator's client API. */
  public static MethodPolicy standard() {
    MethodPolicy p = new MethodPolicy();
    p.client(JobServiceGrpc.getSubmitJobMethod().getFullMethodName(), Role.SUBMIT);
    p.client(JobServiceGrpc.getGetJobMethod().getFullMethodName(), Role.READ);
    p.client(JobServiceGrpc.getListJobsMethod().getFullMethodName(), Role.READ);
    p.client(JobServiceGrpc.getCancelJobMethod().getFullMethodName(), Role.SUBMIT);
    p.client(JobServiceGrpc.getWatchJobMethod().getFullMethodName(), Role.READ);
    p.client(JobServiceGrpc.getDeleteJobMethod().getFullMethodName(), Role.SUBMIT);
    p.client(DatasetServiceGrpc.getStartUploadMethod().getFullMethodName(), Role.SUBMIT);
    p.client(DatasetServiceGrpc.getUploadChunksMethod().getFullMethodName(), Role.SUBMIT);
    p.client(DatasetServiceGrpc.getGetUploadMethod().getFullMethodName(), Role.SUBMIT);
    p.client(DatasetServiceGrpc.getListDatasetsMethod().getFullMethodName(), Role.READ);
    p.client(DatasetServiceGrpc.getGetDatasetMethod().getFullMethodName(), Role.READ);
    p.client(DatasetServiceGrpc.getDeleteDatasetMethod().getFullMethodName(), Role.SUBMIT);
    p.client(DatasetServiceGrpc.getGetModelMethod().getFullMethodName(), Role.READ);
    p.client(DatasetServiceGrpc.getCheckFilesMethod().getFullMethodName(), Role.SUBMIT);
    // read: admins read every record; others their tenant's (AuditServiceImpl decides what each may see)
    p.client(AuditServiceGrpc.getListAuditEventsMethod().getFullMethodName(), Role.READ);
    p.methods.put(DatasetServiceGrpc.getDownloadFileMethod().getFullMethodName(), new Access.WorkerPlane());
    p.methods.put(DatasetServiceGrpc.getUploadModelMethod().getFullMethodName(), new Access.WorkerPlane());
    return p;
  }

  private void client(String fullMethodName, Role role) {
    methods.put(fullMethodName, new Access.Client(role));
  }

  /** What the method {@code fullMethodName} ({@code package.Service/Method}) needs. */
  public Access access(String fullMethodName) {
    Access a = methods.get(fullMethodName);
    if (a != null) {
      return a;
    }
    String service = io.grpc.MethodDescriptor.extractFullServiceName(fullMethodName);
    return CLIENT_SERVICES.contains(service) ? new Access.Unlisted() : new Access.NotClientApi();
  }

  /** The role a client method needs, if it is one. */
  public Optional<Role> role(String fullMethodName) {
    return access(fullMethodName) instanceof Access.Client c ? Optional.of(c.role()) : Optional.empty();
  }
}
