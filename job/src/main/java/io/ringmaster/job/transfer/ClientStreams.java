package io.ringmaster.job.transfer;

import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import io.ringmaster.job.checkpoint.ReadyPump;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/** A client-streaming call made blocking: messages sent as flow control allows, the one answer awaited. */
public final class ClientStreams {
  private ClientStreams() {}

  /**
   * Sends {@code messages} on the call {@code start} opens and returns its answer.
   *
   * @param start e.g. {@code stub::uploadChunks} of an async stub
   * @throws StatusRuntimeException the call's error
   * @throws TimeoutException when no answer came within {@code timeoutMs} (the call is cancelled)
   */
  public static <Req, Resp> Resp call(Function<StreamObserver<Resp>, StreamObserver<Req>> start,
      Iterator<Req> messages, long timeoutMs) throws TimeoutException, InterruptedException {
    CompletableFuture<Resp> answer = new CompletableFuture<>();
    ClientCallStreamObserver<?>[] call = new ClientCallStreamObserver<?>[1];
    start.apply(new ClientResponseObserver<Req, Resp>() {
      @Override
      public void beforeStart(ClientCallStreamObserver<Req> requests) {
        call[0] = requests;
        ReadyPump<Req> pump = new ReadyPump<>(requests, messages);
        requests.setOnReadyHandler(pump);
      }

      @Override
      public void onNext(Resp value) {
        answer.complete(value);
      }

      @Override
      public void onError(Throwable t) {
        answer.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
        answer.completeExceptionally(new IllegalStateException("the call completed without an answer"));
      }
    });
    try {
      return answer.get(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof StatusRuntimeException s) {
        throw s;
      }
      throw new IllegalStateException(e.getCause());
    } catch (TimeoutException | InterruptedException e) {
      call[0].cancel("no answer within " + timeoutMs + " ms", null);
      throw e;
    }
  }
}
