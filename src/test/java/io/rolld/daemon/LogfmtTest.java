package io.rolld.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class LogfmtTest {
    @Test
    void kv_quotesOnlyValuesThatNeedIt() {
        assertEquals("event=rollout_failed group=app ports=8001,8002 reason=\"port 8001 said \\\"no\\\"\\nbye\" empty=\"\"",
                Logfmt.event("rollout_failed").kv("group", "app").kv("ports", List.of(8001, 8002))
                        .kv("reason", "port 8001 said \"no\"\nbye").kv("empty", "").toString());
    }
}
