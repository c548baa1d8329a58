"""Operations on the whole warehouse: backup, restore, table checksums, client binaries."""
