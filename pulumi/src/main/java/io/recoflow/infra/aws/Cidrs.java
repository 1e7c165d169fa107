package io.recoflow.infra.aws;

/** IPv4 subnet arithmetic (the `cidrsubnet` of Terraform) so subnet ranges are computed, not typed by hand. */
final class Cidrs {
    private Cidrs() {}

    static String subnet(String cidr, int newPrefix, int index) {
        var parts = cidr.split("/");
        if (parts.length != 2) throw new IllegalArgumentException("bad CIDR " + cidr);
        int prefix = Integer.parseInt(parts[1]);
        if (newPrefix < prefix || newPrefix > 32) throw new IllegalArgumentException("cannot cut /" + newPrefix + " from " + cidr);
        long count = 1L << (newPrefix - prefix);
        if (index < 0 || index >= count) throw new IllegalArgumentException(cidr + " has only " + count + " /" + newPrefix + " subnets");
        long base = toLong(parts[0]) & (0xFFFFFFFFL << (32 - prefix));
        long addr = base + ((long) index << (32 - newPrefix));
        return toIp(addr) + "/" + newPrefix;
    }

    private static long toLong(String ip) {
        long v = 0;
        for (var octet : ip.split("\\.")) v = (v << 8) | Integer.parseInt(octet);
        return v;
    }

    private static String toIp(long v) {
        return ((v >> 24) & 255) + "." + ((v >> 16) & 255) + "." + ((v >> 8) & 255) + "." + (v & 255);
    }
}
