package io.embedgate.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import io.embedgate.debug.DebugSettings;

/** {@link DebugFlags}: any flag turns debug on unless {@code enabled} is false; the trace is on by default. */
class DebugFlagsTest {

    @Test
    void noFlagsNoDebug() {
        assertNull(DebugFlags.of(null));
        assertNull(DebugFlags.of(new DebugRequest(null, null, null, null, null)));
        assertNull(DebugFlags.of(new DebugRequest(false, true, true, true, "full")), "enabled=false wins");
    }

    @Test
    void anyFlagTurnsDebugOn() {
        assertEquals(new DebugSettings(true, false, true, false), DebugFlags.of(new DebugRequest(null, true, null, null, null)));
        assertEquals(new DebugSettings(false, false, true, true), DebugFlags.of(new DebugRequest(null, null, null, null, "full")));
        assertEquals(new DebugSettings(false, false, false, false), DebugFlags.of(new DebugRequest(true, null, null, false, null)));
    }

    @Test
    void anUnknownTraceLevelIs400() {
        ApiException e = assertThrows(ApiException.class, () -> DebugFlags.of(new DebugRequest(true, null, null, null, "verbose")));
        assertEquals("debug.trace_level", e.param());
        assertEquals(400, e.status());
    }
}
