package io.recoflow.lakesink;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.ListBlobsOptions;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.MessageType;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/** Reads what the sink wrote, back from S3 and Azure Blob, with Parquet's own file reader. */
final class Lake {
    /** One row read back, with the object it came from. */
    record Row(String key, String eventId, String type, String userId, String itemId, long timestampMicros,
            List<String> items, String topic, int partition, long offset) {}

    private final S3Client s3;
    private final BlobContainerClient azure;
    private final String bucket;
    private final Path tmp;

    Lake(String s3Endpoint, String bucket, String azureConnectionString, String container, Path tmp) {
        this.s3 = S3Client.builder().region(Region.US_EAST_1).endpointOverride(URI.create(s3Endpoint))
                .forcePathStyle(true).build();
        this.bucket = bucket;
        this.azure = new BlobServiceClientBuilder().connectionString(azureConnectionString).buildClient()
                .getBlobContainerClient(container);
        this.tmp = tmp;
    }

    void create() {
        s3.createBucket(r -> r.bucket(bucket));
        azure.createIfNotExists();
    }

    /** Every data object under {@code prefix} on S3: key (relative to the prefix) to bytes. */
    Map<String, byte[]> s3Objects(String prefix) {
        Map<String, byte[]> out = new TreeMap<>();
        for (S3Object o : s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix + "/")).contents()) {
            out.put(o.key().substring(prefix.length() + 1),
                    s3.getObjectAsBytes(r -> r.bucket(bucket).key(o.key())).asByteArray());
        }
        return out;
    }

    Map<String, byte[]> azureObjects(String prefix) {
        Map<String, byte[]> out = new TreeMap<>();
        for (BlobItem b : azure.listBlobs(new ListBlobsOptions()
                .setPrefix(prefix + "/"), null)) {
            out.put(b.getName().substring(prefix.length() + 1),
                    azure.getBlobClient(b.getName()).downloadContent().toBytes());
        }
        return out;
    }

    /** The rows of every Parquet object in {@code objects} (manifests are skipped). */
    List<Row> rows(Map<String, byte[]> objects) throws IOException {
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<String, byte[]> o : objects.entrySet()) {
            if (o.getKey().endsWith(".parquet")) {
                rows.addAll(read(o.getKey(), o.getValue(), tmp));
            }
        }
        return rows;
    }

    static List<Row> read(String key, byte[] bytes, Path tmp) throws IOException {
        Path file = Files.createTempFile(tmp, "read", ".parquet");
        Files.write(file, bytes);
        List<Row> rows = new ArrayList<>();
        ParquetReadOptions options = ParquetReadOptions.builder(new PlainParquetConfiguration())
                .withCodecFactory(EventParquet.SnappyCodec.INSTANCE).build();
        try (ParquetFileReader r = ParquetFileReader.open(new LocalInputFile(file), options)) {
            MessageType schema = r.getFooter().getFileMetaData().getSchema();
            MessageColumnIO io = new ColumnIOFactory().getColumnIO(schema);
            for (PageReadStore pages; (pages = r.readNextRowGroup()) != null; ) {
                RecordReader<Group> records = io.getRecordReader(pages, new GroupRecordConverter(schema));
                for (long i = 0; i < pages.getRowCount(); i++) {
                    Group g = records.read();
                    List<String> items = null;
                    if (g.getFieldRepetitionCount("items") > 0) {
                        Group list = g.getGroup("items", 0);
                        items = new ArrayList<>();
                        for (int k = 0; k < list.getFieldRepetitionCount("list"); k++) {
                            items.add(list.getGroup("list", k).getString("element", 0));
                        }
                    }
                    rows.add(new Row(key, g.getString("event_id", 0), g.getString("type", 0),
                            g.getString("user_id", 0), g.getString("item_id", 0), g.getLong("timestamp", 0), items,
                            g.getString("topic", 0), g.getInteger("partition", 0), g.getLong("offset", 0)));
                }
            }
        } finally {
            Files.delete(file);
        }
        return rows;
    }
}
