package io.recoflow.lakesink;

import io.recoflow.common.Event;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.xerial.snappy.Snappy;

/**
 * The lake's Parquet layout of an {@link Event} plus where it came from (topic, partition, offset), and its writer.
 * Rows go straight from the decoded record into the column writers (no intermediate Group or Avro objects).
 *
 * <p>No Hadoop at run time: the writer is built on an {@link OutputFile} with a {@link PlainParquetConfiguration},
 * and compression is Snappy through snappy-java (already on the classpath via kafka-clients) instead of Parquet's
 * {@code CodecFactory}, which goes through Hadoop's codec classes. Hadoop's API jar is needed only to compile the
 * {@code init(Configuration)} overloads Parquet's abstract classes declare; they are never called.
 */
final class EventParquet {
    static final MessageType SCHEMA = MessageTypeParser.parseMessageType("""
            message event {
              required binary event_id (STRING);
              required binary type (STRING);
              required binary user_id (STRING);
              required binary item_id (STRING);
              required int64 timestamp (TIMESTAMP(MICROS,true));
              optional binary experiment (STRING);
              optional binary variant (STRING);
              optional binary model_version (STRING);
              optional group items (LIST) {
                repeated group list {
                  required binary element (STRING);
                }
              }
              required binary topic (STRING);
              required int32 partition;
              required int64 offset;
            }
            """);

    /** One row: the event and its record coordinates. */
    record Row(Event event, String topic, int partition, long offset) {}

    private EventParquet() {}

    /** A writer of {@link Row}s to {@code file}, one row group per file up to {@code rowGroupBytes}. */
    static ParquetWriter<Row> writer(OutputFile file, long rowGroupBytes) throws IOException {
        return new Builder(file)
                .withConf(new PlainParquetConfiguration())
                .withCodecFactory(SnappyCodec.INSTANCE)
                .withCompressionCodec(CompressionCodecName.SNAPPY)
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                .withRowGroupSize(rowGroupBytes)
                .withDictionaryEncoding(true)
                .build();
    }

    private static final class Builder extends ParquetWriter.Builder<Row, Builder> {
        Builder(OutputFile file) {
            super(file);
        }

        @Override
        protected Builder self() {
            return this;
        }

        @Override
        protected WriteSupport<Row> getWriteSupport(ParquetConfiguration conf) {
            return new RowWriteSupport();
        }

        @Override
        protected WriteSupport<Row> getWriteSupport(Configuration conf) {
            return new RowWriteSupport();
        }
    }

    private static final class RowWriteSupport extends WriteSupport<Row> {
        private RecordConsumer out;

        @Override
        public WriteContext init(ParquetConfiguration conf) {
            return new WriteContext(SCHEMA, new HashMap<>());
        }

        @Override
        public WriteContext init(Configuration conf) {
            return new WriteContext(SCHEMA, new HashMap<>());
        }

        @Override
        public void prepareForWrite(RecordConsumer recordConsumer) {
            this.out = recordConsumer;
        }

        @Override
        public void write(Row row) {
            Event e = row.event();
            out.startMessage();
            string(0, "event_id", e.eventId());
            string(1, "type", e.type().wireName());
            string(2, "user_id", e.userId());
            string(3, "item_id", e.itemId());
            out.startField("timestamp", 4);
            out.addLong(e.timestamp().getEpochSecond() * 1_000_000L + e.timestamp().getNano() / 1_000);
            out.endField("timestamp", 4);
            string(5, "experiment", e.experiment());
            string(6, "variant", e.variant());
            string(7, "model_version", e.modelVersion());
            items(e.items());
            string(9, "topic", row.topic());
            out.startField("partition", 10);
            out.addInteger(row.partition());
            out.endField("partition", 10);
            out.startField("offset", 11);
            out.addLong(row.offset());
            out.endField("offset", 11);
            out.endMessage();
        }

        private void string(int index, String name, String value) {
            if (value != null) {
                out.startField(name, index);
                out.addBinary(Binary.fromString(value));
                out.endField(name, index);
            }
        }

        private void items(List<String> items) {
            if (items == null) {
                return;
            }
            out.startField("items", 8);
            out.startGroup();
            if (!items.isEmpty()) {
                out.startField("list", 0);
                for (String item : items) {
                    out.startGroup();
                    out.startField("element", 0);
                    out.addBinary(Binary.fromString(item));
                    out.endField("element", 0);
                    out.endGroup();
                }
                out.endField("list", 0);
            }
            out.endGroup();
            out.endField("items", 8);
        }
    }

    /** Snappy pages through snappy-java (the raw block format Parquet's SNAPPY codec means), both ways. */
    static final class SnappyCodec implements CompressionCodecFactory {
        static final SnappyCodec INSTANCE = new SnappyCodec();

        private static final BytesInputCompressor COMPRESSOR = new BytesInputCompressor() {
            @Override
            public BytesInput compress(BytesInput bytes) throws IOException {
                return BytesInput.from(Snappy.compress(bytes.toByteArray()));
            }

            @Override
            public CompressionCodecName getCodecName() {
                return CompressionCodecName.SNAPPY;
            }

            @Override
            public void release() {}
        };

        private static final BytesInputDecompressor DECOMPRESSOR = new BytesInputDecompressor() {
            @Override
            public BytesInput decompress(BytesInput bytes, int uncompressedSize) throws IOException {
                byte[] out = new byte[uncompressedSize];
                Snappy.uncompress(bytes.toByteArray(), 0, (int) bytes.size(), out, 0);
                return BytesInput.from(out);
            }

            @Override
            public void decompress(java.nio.ByteBuffer input, int compressedSize, java.nio.ByteBuffer output,
                    int uncompressedSize) throws IOException {
                byte[] in = new byte[compressedSize];
                input.get(in);
                output.put(Snappy.uncompress(in));
            }

            @Override
            public void release() {}
        };

        @Override
        public BytesInputCompressor getCompressor(CompressionCodecName codec) {
            return pick(codec, COMPRESSOR);
        }

        @Override
        public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
            return pick(codec, DECOMPRESSOR);
        }

        private static <T> T pick(CompressionCodecName codec, T snappy) {
            if (codec != CompressionCodecName.SNAPPY) {
                throw new IllegalArgumentException("the lake sink writes and reads Snappy only, not " + codec);
            }
            return snappy;
        }

        @Override
        public void release() {}
    }
}
