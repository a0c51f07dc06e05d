package io.pageowner.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AttachHandshakeTest
{
    private static final String STATUS = "Name:\tjava\nUid:\t1000\t1000\t1000\t1000\nNSpid:\t4242\n";

    @Test
    void shouldPrimeOnlyAProcessOfThisPidNamespace()
    {
        assertTrue(AttachHandshake.samePidNamespace(STATUS));
        assertFalse(AttachHandshake.samePidNamespace(STATUS.replace("NSpid:\t4242", "NSpid:\t4242\t7")));
        assertTrue(AttachHandshake.samePidNamespace("Name:\tjava\n"), "a kernel without NSpid has one namespace");
    }

    @Test
    void shouldPrimeOnlyAProcessOfThisEffectiveUser()
    {
        assertTrue(AttachHandshake.sameUser(STATUS, "Uid:\t5\t1000\t5\t5\n"), "the effective uid is the second");
        assertFalse(AttachHandshake.sameUser(STATUS, "Uid:\t1000\t0\t1000\t1000\n"));
        assertFalse(AttachHandshake.sameUser("Name:\tjava\n", STATUS), "an unreadable uid is not the same");
    }
}
