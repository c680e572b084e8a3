package io.embedgate.provider.jina;

import java.util.Optional;

import io.embedgate.spi.EmbeddingCall;
import io.embedgate.spi.EmbeddingResult;
import io.embedgate.spi.OutputDtype;
import io.embedgate.spi.ProviderClient;
import io.embedgate.spi.ReplySize;
import io.embedgate.spi.UpstreamException;
import io.smallrye.mutiny.Uni;

/**
 * Rejects a {@code task} of the other model family (a v3-only task on v4 and the reverse) before any
 * call. This is the first place that sees the option and the model together: option validation runs
 * before a model's candidates are known. The rejection is a 400 (BAD_REQUEST: no failover, no circuit
 * breaker count), as Jina's own would be, without spending a call on it.
 */
final class TaskCheckedClient implements ProviderClient {

    private final ProviderClient delegate;
    private final String instance;

    TaskCheckedClient(ProviderClient delegate, String instance) {
        this.delegate = delegate;
        this.instance = instance;
    }

    @Override
    public Uni<EmbeddingResult> embed(EmbeddingCall call) {
        Object task = call.options().get(JinaAdapter.TASK);
        Optional<JinaTasks> family = JinaTasks.of(call.upstreamModel());
        if (task != null && family.isPresent() && !family.get().takes(task.toString())) {
            return Uni.createFrom().failure(new UpstreamException(instance, UpstreamException.Kind.BAD_REQUEST, 0,
                    "invalid_request_error", "unsupported_task", "task '" + task + "' is not a task of " + call.upstreamModel()
                            + "; it takes " + String.join(", ", family.get().tasks()),
                    false, null, null));
        }
        return delegate.embed(call);
    }

    @Override
    public ReplySize replySize(OutputDtype dtype) {
        return delegate.replySize(dtype);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
