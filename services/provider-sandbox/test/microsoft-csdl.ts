/**
 * A small validator for Graph JSON against the v1.0 CSDL subset in
 * tests/fixtures/provider-docs/graph-v1.0-csdl-calendar-subset.xml: every property must be declared on the
 * type or a base type (undeclared ones are allowed only on OpenType types, and are reported), and every
 * value must have the declared Edm/complex/enum type. OData annotations (`@odata.*`, `x@odata.*`) are skipped.
 */
import { readFileSync } from 'node:fs';
import { XMLParser } from 'fast-xml-parser';

interface PropertyDef {
  type: string;
  nullable: boolean;
}

interface TypeDef {
  base: string | undefined;
  open: boolean;
  properties: Map<string, PropertyDef>;
}

type XmlNode = Record<string, unknown>;

const asArray = (value: unknown): XmlNode[] =>
  Array.isArray(value) ? (value as XmlNode[]) : value === undefined ? [] : [value as XmlNode];
const short = (name: string): string => name.replace(/^(graph|microsoft\.graph)\./, '');

export class Csdl {
  readonly types = new Map<string, TypeDef>();
  readonly enums = new Map<string, Set<string>>();

  constructor(path: string) {
    const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' });
    const root = parser.parse(`<root>${readFileSync(path, 'utf8')}</root>`) as { root: XmlNode };
    for (const kind of ['EntityType', 'ComplexType']) {
      for (const node of asArray(root.root[kind])) {
        const properties = new Map<string, PropertyDef>();
        for (const p of [...asArray(node.Property), ...asArray(node.NavigationProperty)]) {
          properties.set(String(p.Name), { type: String(p.Type), nullable: p.Nullable !== 'false' });
        }
        const base = node.BaseType === undefined ? undefined : short(String(node.BaseType));
        this.types.set(String(node.Name), { base, open: node.OpenType === 'true', properties });
      }
    }
    for (const node of asArray(root.root.EnumType)) {
      this.enums.set(String(node.Name), new Set(asArray(node.Member).map((m) => String(m.Name))));
    }
  }

  private property(typeName: string, name: string): PropertyDef | undefined {
    for (
      let t = this.types.get(typeName);
      t !== undefined;
      t = t.base === undefined ? undefined : this.types.get(t.base)
    ) {
      const hit = t.properties.get(name);
      if (hit !== undefined) return hit;
    }
    return undefined;
  }

  private isOpen(typeName: string): boolean {
    for (
      let t = this.types.get(typeName);
      t !== undefined;
      t = t.base === undefined ? undefined : this.types.get(t.base)
    ) {
      if (t.open) return true;
    }
    return false;
  }

  /** Problems found in `value` as an instance of `typeName` (empty when it conforms). */
  validate(typeName: string, value: unknown, path = typeName): string[] {
    if (value === null || typeof value !== 'object' || Array.isArray(value))
      return [`${path}: expected an object`];
    if (!this.types.has(typeName)) return [`${path}: type ${typeName} is not in the CSDL subset`];
    const problems: string[] = [];
    for (const [key, inner] of Object.entries(value)) {
      if (key.includes('@')) continue;
      const def = this.property(typeName, key);
      if (def === undefined) {
        if (!this.isOpen(typeName)) problems.push(`${path}.${key}: not declared on ${typeName}`);
        continue;
      }
      problems.push(...this.check(def, inner, `${path}.${key}`));
    }
    return problems;
  }

  private check(def: PropertyDef, value: unknown, path: string): string[] {
    if (value === null) return def.nullable ? [] : [`${path}: null but not nullable`];
    const collection = /^Collection\((.+)\)$/.exec(def.type);
    if (collection !== null) {
      if (!Array.isArray(value)) return [`${path}: expected an array`];
      return value.flatMap((item, i) =>
        this.check({ type: collection[1] ?? '', nullable: false }, item, `${path}[${i}]`),
      );
    }
    return this.scalar(def.type, value, path);
  }

  private scalar(type: string, value: unknown, path: string): string[] {
    const fail = (what: string): string[] => [`${path}: expected ${what}, got ${JSON.stringify(value)}`];
    switch (type) {
      case 'Edm.String':
        return typeof value === 'string' ? [] : fail('string');
      case 'Edm.Boolean':
        return typeof value === 'boolean' ? [] : fail('boolean');
      case 'Edm.Int32':
      case 'Edm.Int64':
        return Number.isInteger(value) ? [] : fail('integer');
      case 'Edm.Double':
        return typeof value === 'number' ? [] : fail('number');
      case 'Edm.Guid':
        return typeof value === 'string' && /^[0-9a-f-]{36}$/i.test(value) ? [] : fail('Guid');
      case 'Edm.Date':
        return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? [] : fail('Date');
      case 'Edm.TimeOfDay':
        return typeof value === 'string' && /^\d{2}:\d{2}:\d{2}(\.\d{1,7})?$/.test(value)
          ? []
          : fail('TimeOfDay');
      case 'Edm.DateTimeOffset':
        return typeof value === 'string' &&
          !Number.isNaN(Date.parse(value)) &&
          /(Z|[+-]\d{2}:\d{2})$/.test(value)
          ? []
          : fail('DateTimeOffset');
      default:
        break;
    }
    const name = short(type);
    const members = this.enums.get(name);
    if (members !== undefined)
      return typeof value === 'string' && members.has(value) ? [] : fail(`${name} member`);
    if (name === 'singleValueLegacyExtendedProperty') {
      const v = value as Record<string, unknown>;
      return typeof v.id === 'string' && typeof v.value === 'string' && Object.keys(v).length === 2
        ? []
        : fail('{id,value}');
    }
    return this.validate(name, value, path);
  }
}
