package io.recoflow.common;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One read of a small file mounted from a ConfigMap, for pollers that reload on change. A ConfigMap update swaps
 * a {@code ..data} symlink, which inotify on the file itself does not report, so pollers compare the stamp: the
 * resolved path (catches the swap), the mtime and a hash of the content (catches an in-place rewrite within the
 * mtime's resolution).
 */
public final class MountedFile {
    public static final String MISSING = "missing";

    /**
     * @param stamp resolved path|mtime|hash, {@link #MISSING}, or "unreadable: ..." (compare it with the last poll)
     * @param bytes the content; null when missing or unreadable
     * @param hash SHA-256 of the content, hex; empty when there is none
     */
    public record Read(String stamp, byte[] bytes, String hash) {
        public boolean missing() {
            return MISSING.equals(stamp);
        }
    }

    private MountedFile() {}

    public static Read read(Path file) {
        // twice: the kubelet deletes the old ..timestamp directory right after the swap, maybe between resolve and read
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                Path real = file.toRealPath();
                long mtime = Files.getLastModifiedTime(real).toMillis();
                byte[] bytes = Files.readAllBytes(real);
                String hash = sha256(bytes);
                return new Read(real + "|" + mtime + "|" + hash, bytes, hash);
            } catch (NoSuchFileException e) {
                // retried once, then reported missing
            } catch (IOException e) {
                return new Read("unreadable: " + e, null, "");
            }
        }
        return new Read(MISSING, null, "");
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
