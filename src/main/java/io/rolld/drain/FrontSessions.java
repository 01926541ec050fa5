package io.rolld.drain;

import java.io.IOException;
import java.util.Map;
import java.util.Set;

/**
 * A front that holds connections to the old ports itself and knows how many of them carry a
 * session: HAProxy keeps idle connections to a drained server open, so the kernel's count alone
 * would not reach zero until HAProxy lets them go.
 */
public interface FrontSessions {
    /** Sessions still open through the front, by port; ports with none are left out. */
    Map<Integer, Integer> open(Set<Integer> ports) throws IOException;

    /** The front stops using these ports and closes what it holds to them (called once, before the old set stops). */
    void release(Set<Integer> ports) throws IOException;
}
