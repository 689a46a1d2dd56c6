/**
 * The survivor's copy cannot silently leave data out (platform/subject-export.ts): every
 * subgraph declares what it holds about a person, every entity whose type is about a person is
 * one of its sources, and every column of a source's entity is decided — a field with a rule, a
 * key, or a declared rule or omission. A column added without that stops the subgraph at start-up.
 */
import { checkSubjectExport, type SubjectExport } from "../../platform/subject-export";
import { subjectExportRoute } from "../../subgraphs/subject-export-route";
import { subgraphModule } from "../../subgraphs/modules";
import { SUBGRAPH_NAMES } from "../../subgraphs/index";
import { victimsPolicy } from "../../subgraphs/victims/policy";
import { victimsSubjectExport } from "../../subgraphs/victims/subject-export";

describe("the survivor's copy is derived from the entities", () => {
  it.each(SUBGRAPH_NAMES)("%s declares it, and every column of its sources is decided", (name) => {
    const module = subgraphModule(name);
    expect(module.subjectExport).toBeDefined();
    expect(() => checkSubjectExport(module.policy, module.subjectExport!)).not.toThrow();
  });

  it.each(SUBGRAPH_NAMES)("%s: every entity whose type is about a person is a source of the copy", (name) => {
    const module = subgraphModule(name);
    const sources = new Set(module.subjectExport!.sources.map((source) => source.entity));
    const aboutPeople = module.entities.filter((entity) => module.policy[entity.name]?.subject !== undefined);
    expect(aboutPeople.filter((entity) => !sources.has(entity)).map((entity) => entity.name)).toEqual([]);
  });

  it("a column that is neither a field with a rule nor declared is refused, by name", () => {
    const [victim, ...others] = victimsSubjectExport.sources;
    const { ownerOrg: _forgotten, ...declared } = victim.columns!;
    const forgetful: SubjectExport = {
      ...victimsSubjectExport,
      sources: [{ ...victim, columns: declared }, ...others],
    };
    expect(() => checkSubjectExport(victimsPolicy, forgetful)).toThrow(
      /columns ownerOrg are neither a field of Victim/,
    );
  });

  it("a subgraph that declares nothing about people is refused its route: it cannot forget the copy", () => {
    const { subjectExport: _missing, ...module } = subgraphModule("shelters");
    expect(() => subjectExportRoute(module)).toThrow(/must declare subjectExport/);
  });
});
