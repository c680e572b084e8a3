package io.embedgate.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.embedgate.spi.ReplyAllowance;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.Vertx;

class MemoryBudgetTest {

    static Vertx vertx;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() {
        vertx.close();
    }

    static MemoryBudget budget(long capacity, Duration wait) {
        return new MemoryBudget(capacity, wait, vertx);
    }

    @Test
    void admitsWhatFitsAndGivesItBackWhenBothHoldersAreDone() {
        MemoryBudget b = budget(100, Duration.ofSeconds(1));
        MemoryBudget.Permit p = b.tryAdmit(60);
        assertNotNull(p);
        assertNull(b.tryAdmit(50), "60 + 50 is over 100");
        assertNotNull(b.tryAdmit(40));
        assertEquals(100, b.used());
        p.release(); // the response is over; the work is not
        assertEquals(100, b.used());
        p.release();
        assertEquals(40, b.used());
        p.release(); // once more: nothing changes
        assertEquals(40, b.used());
    }

    @Test
    void aRequestAdmittedAloneBeyondTheBudgetMayGrowToTwiceTheBudgetButNoFurther() {
        MemoryBudget b = budget(100, Duration.ofSeconds(1));
        MemoryBudget.Permit big = b.tryAdmit(150); // over the budget: admitted only because nothing else runs
        assertNotNull(big);
        ReplyAllowance reply = big.forReply(40);
        assertTrue(reply.tryExtend(30), "alone, a reply a little larger than estimated still fits: 180 of the 200 cap");
        assertEquals(180, b.used());
        assertFalse(reply.tryExtend(30), "210 would pass twice the budget");
        assertNull(b.tryAdmit(1), "nothing else is admitted while it runs");
        big.release();
        big.release();
        assertEquals(0, b.used());
    }

    @Test
    void aRequestThatSharesTheBudgetCannotGrowBeyondIt() {
        MemoryBudget b = budget(100, Duration.ofSeconds(1));
        MemoryBudget.Permit one = b.tryAdmit(60);
        MemoryBudget.Permit other = b.tryAdmit(30);
        assertNotNull(other);
        assertTrue(one.forReply(0).tryExtend(10));
        assertFalse(one.forReply(0).tryExtend(1), "100 of 100 taken, and not alone: no growth past the budget");
        other.release();
        other.release();
        assertTrue(one.forReply(0).tryExtend(50), "alone again: may grow past the budget");
        assertEquals(120, b.used());
    }

    @Test
    void anExtraHolderKeepsTheShareUntilItIsDone() {
        MemoryBudget b = budget(100, Duration.ofSeconds(1));
        MemoryBudget.Permit p = b.tryAdmit(30);
        p.hold(); // work that runs on after its client hung up
        p.release();
        p.release();
        assertEquals(30, b.used());
        p.release();
        assertEquals(0, b.used());
        assertThrows(IllegalStateException.class, p::hold);
    }

    @Test
    void aRequestLargerThanTheBudgetRunsAloneOnly() {
        MemoryBudget b = budget(100, Duration.ofMillis(50));
        MemoryBudget.Permit small = b.tryAdmit(1);
        assertNull(b.tryAdmit(150));
        small.release();
        small.release();
        MemoryBudget.Permit big = b.tryAdmit(150);
        assertNotNull(big, "an empty budget takes any request");
        assertNull(b.tryAdmit(1), "nothing else while it runs");
    }

    @Test
    void aReplyCanGrowPastItsReserveOnlyWhileThereIsRoom() {
        MemoryBudget b = budget(100, Duration.ofSeconds(1));
        MemoryBudget.Permit p = b.tryAdmit(50);
        MemoryBudget.Permit other = b.tryAdmit(10); // not alone: the budget is the limit
        ReplyAllowance reply = p.forReply(20);
        assertEquals(20, reply.reserved());
        assertTrue(reply.tryExtend(30));
        assertEquals(90, b.used());
        assertFalse(reply.tryExtend(11), "only 10 left");
        assertTrue(reply.tryExtend(10));
        p.release();
        p.release();
        assertEquals(10, b.used(), "the extension is given back with the permit");
        assertFalse(reply.tryExtend(1), "a released permit takes nothing more");
        other.release();
        other.release();
    }

    @Test
    void aWaiterIsAdmittedWhenRoomIsFreedAndSmallOnesDoNotQueueBehindLargeOnes() throws Exception {
        MemoryBudget b = budget(6400, Duration.ofSeconds(5));
        MemoryBudget.Permit first = b.tryAdmit(5760);
        List<String> admitted = new CopyOnWriteArrayList<>();
        b.admit(5120, Duration.ofSeconds(5)).subscribe().with(p -> admitted.add("large"), f -> admitted.add("large failed"));
        b.admit(64, Duration.ofSeconds(5)).subscribe().with(p -> admitted.add("small"), f -> admitted.add("small failed"));
        assertEquals(List.of("small"), admitted, "a small one that fits goes at once, whatever waits before it");
        b.admit(500, Duration.ofSeconds(5)).subscribe().with(p -> admitted.add("medium"), f -> admitted.add("medium failed"));
        assertEquals(List.of("small"), admitted, "a larger one queues behind the earlier waiter, though it would fit");
        assertEquals(2, b.waiting());
        first.release();
        first.release();
        assertEquals(List.of("small", "large", "medium"), admitted);
        assertEquals(5684, b.used());
        assertEquals(0, b.waiting());
    }

    @Test
    void aWaitThatRunsOutIsOverloadedAndAHungUpWaiterLeavesTheQueue() throws Exception {
        MemoryBudget b = budget(100, Duration.ofMillis(100));
        b.tryAdmit(100);
        Throwable failure = b.admit(10, Duration.ofSeconds(10)).onItem().<Throwable>transform(p -> null).onFailure()
                .recoverWithItem(t -> t).await().atMost(Duration.ofSeconds(5));
        assertTrue(failure instanceof MemoryBudget.Overloaded, String.valueOf(failure));
        assertTrue(failure.getMessage().contains("within 100 ms"), failure.getMessage());
        Cancellable waiting = b.admit(10, Duration.ofSeconds(10)).subscribe().with(p -> {
        }, f -> {
        });
        assertEquals(1, b.waiting());
        waiting.cancel();
        assertEquals(0, b.waiting());
        // The request's own deadline bounds the wait too.
        Throwable byDeadline = b.admit(10, Duration.ofMillis(20)).onItem().<Throwable>transform(p -> null).onFailure()
                .recoverWithItem(t -> t).await().atMost(Duration.ofSeconds(5));
        assertTrue(byDeadline.getMessage().contains("within 20 ms"), byDeadline.getMessage());
    }
}
