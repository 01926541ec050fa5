package io.rolld.front;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ServerWeightsTest {
    private static final List<Integer> OLD = List.of(8001, 8002, 8003, 8004);
    private static final List<Integer> NEW = List.of(8501, 8502, 8503, 8504);

    @Test
    void split_atQuarter_listsOldAndNewWithSmallestExactWeights() {
        assertEquals(List.of(
                new ServerWeights.Server(8001, 3), new ServerWeights.Server(8002, 3), new ServerWeights.Server(8003, 3),
                new ServerWeights.Server(8004, 3), new ServerWeights.Server(8501, 1), new ServerWeights.Server(8502, 1),
                new ServerWeights.Server(8503, 1), new ServerWeights.Server(8504, 1)), ServerWeights.split(OLD, NEW, 25));
    }

    @Test
    void split_atFullWeight_listsOnlyTheNewSetAtWeightOne() {
        assertEquals(NEW.stream().map(p -> new ServerWeights.Server(p, 1)).toList(), ServerWeights.split(OLD, NEW, 100));
    }

    @Test
    void split_withoutOldSet_listsOnlyTheNewSet() {
        assertEquals(NEW.stream().map(p -> new ServerWeights.Server(p, 1)).toList(), ServerWeights.split(List.of(), NEW, 10));
    }

    @Test
    void split_whenOldAndNewShareThePorts_listsEachOnce() {
        assertEquals(List.of(new ServerWeights.Server(8080, 1)), ServerWeights.split(List.of(8080), List.of(8080), 30));
    }

    @ParameterizedTest(name = "{0} old, {1} new at {2}%")
    @CsvSource({"4,4,1", "4,4,10", "4,4,50", "4,4,99", "3,5,37", "2,3,10", "1,1,33", "5,2,90"})
    void split_givesTheNewSetExactlyItsPercent(int oldCount, int newCount, int percent) {
        List<ServerWeights.Server> servers = ServerWeights.split(ports(8000, oldCount), ports(9000, newCount), percent);

        long total = servers.stream().mapToLong(ServerWeights.Server::weight).sum();
        long toNew = servers.stream().filter(s -> s.port() >= 9000).mapToLong(ServerWeights.Server::weight).sum();
        assertEquals(percent * total, 100 * toNew, servers.toString());
        assertTrue(servers.stream().allMatch(s -> s.weight() >= 1 && s.weight() <= ServerWeights.MAX_WEIGHT), servers.toString());
    }

    @Test
    void split_whenExactWeightsPassHaproxysLimit_scalesCloseToThePercent() {
        List<ServerWeights.Server> servers = ServerWeights.split(ports(8000, 1), ports(9000, 7), 1);

        long total = servers.stream().mapToLong(ServerWeights.Server::weight).sum();
        long toNew = servers.stream().filter(s -> s.port() >= 9000).mapToLong(ServerWeights.Server::weight).sum();
        assertTrue(servers.stream().allMatch(s -> s.weight() >= 1 && s.weight() <= ServerWeights.MAX_WEIGHT), servers.toString());
        assertTrue(100.0 * toNew / total < 3, servers.toString());
    }

    private static List<Integer> ports(int first, int count) {
        return java.util.stream.IntStream.range(first, first + count).boxed().toList();
    }
}
