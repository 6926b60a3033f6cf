package io.authservice.sessions;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.authservice.Db;
import java.util.List;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** The refresh-token codec alone: no database, no container. */
class RefreshTokenCodecTest {

    private static final SecretKeySpec CURRENT = new SecretKeySpec(new byte[32], "HmacSHA256");
    private static final SecretKeySpec EARLIER =
            new SecretKeySpec(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, "HmacSHA256");

    private final RefreshTokenCodec codec = new RefreshTokenCodec(List.of(CURRENT, EARLIER));

    @Test
    void aNewTokenIs256RandomBitsInBase64url() {
        String token = codec.newToken();
        assertTrue(token.matches("[A-Za-z0-9_-]{43}"), token);
        assertNotEquals(token, codec.newToken());
    }

    @Test
    void aSuccessorIsTheSameOnEveryReplicaAndOneCandidatePerKekCurrentFirst() {
        String token = codec.newToken();
        String successor = codec.successor(token);
        assertEquals(successor, new RefreshTokenCodec(List.of(CURRENT)).successor(token));
        assertTrue(successor.matches("[A-Za-z0-9_-]{43}"), successor);
        List<String> candidates = codec.successorCandidates(token);
        assertEquals(2, candidates.size());
        assertEquals(successor, candidates.get(0));
        assertEquals(new RefreshTokenCodec(List.of(EARLIER)).successor(token), candidates.get(1));
        assertNotEquals(candidates.get(0), candidates.get(1));
    }

    @Test
    void theDatabaseKeepsTheSha256() {
        assertArrayEquals(Db.sha256("a token"), RefreshTokenCodec.hash("a token"));
    }

    @Test
    void aTokenLongerThanAnyOfThisServiceIsNotLookedUp() {
        assertTrue(codec.plausible("x".repeat(RefreshTokenCodec.MAX_LENGTH)));
        assertFalse(codec.plausible("x".repeat(RefreshTokenCodec.MAX_LENGTH + 1)));
    }
}
