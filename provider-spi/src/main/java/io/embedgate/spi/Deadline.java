package io.embedgate.spi;

import java.time.Duration;

/** A point on the monotonic clock by which a request must be answered. */
public record Deadline(long nanoTime) {

    public static Deadline after(Duration timeout) {
        return new Deadline(System.nanoTime() + timeout.toNanos());
    }

    public Duration remaining() {
        long left = nanoTime - System.nanoTime();
        return left <= 0 ? Duration.ZERO : Duration.ofNanos(left);
    }

    public boolean expired() {
        return nanoTime - System.nanoTime() <= 0;
    }
}
