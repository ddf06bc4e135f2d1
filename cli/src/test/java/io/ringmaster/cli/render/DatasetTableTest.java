package io.ringmaster.cli.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringmaster.proto.v1.Dataset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code datasets ls}: a TENANT column leads once the coordinator names tenants. */
class DatasetTableTest {
  static Dataset dataset(String tenant, String name) {
    return Dataset.newBuilder().setTenant(tenant).setName(name).setSha256("ab".repeat(32))
        .setFormat(Dataset.Format.FORMAT_IDX_LABELS).setSamples(10).setClasses(3).setSizeBytes(18).build();
  }

  @Test
  void withoutTenantsThereIsNoTenantColumn() {
    String table = DatasetTable.render(List.of(dataset("", "lbls")));

    assertThat(table.lines().findFirst().orElseThrow()).startsWith("NAME").doesNotContain("TENANT");
  }

  @Test
  void anAdminsListingNamesEachDatasetsTenantAndDashForNone() {
    String table = DatasetTable.render(List.of(dataset("", "old"), dataset("team-a", "lbls"),
        dataset("team-b", "lbls")));

    assertThat(table.lines().toList()).hasSize(4);
    assertThat(table.lines().findFirst().orElseThrow()).startsWith("TENANT  NAME");
    assertThat(table.lines().skip(1).map(l -> l.split("\\s+")[0]).toList()).containsExactly("-", "team-a", "team-b");
  }
}
