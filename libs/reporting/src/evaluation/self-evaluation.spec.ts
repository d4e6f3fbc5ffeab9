import type { BudgetDocument, BudgetFigure } from '../budget/budget';
import { TemplateError } from '../template/template-source';
import { IndicatorTemplate, defaultIndicatorTemplate, parseIndicatorTemplate } from './indicator-template';
import { EvaluationEntry, EvaluationFacts, evaluate } from './self-evaluation';

const fig = (amount: number, more: Partial<BudgetFigure> = {}): BudgetFigure => ({ amount, yearStart: null, adjusted: null, description: null, ...more });

function budget(total: BudgetFigure, extra: Partial<BudgetDocument> = {}): BudgetDocument {
  return {
    fiscalYear: 2021,
    total,
    basic: { total: fig(total.amount), personnel: fig(total.amount), public: fig(0), capital: fig(0) },
    projects: [],
    otherFunds: { districtOther: fig(0), governmentFund: fig(0), stateCapital: fig(0), socialInsurance: fig(0) },
    ...extra,
  };
}

const facts = (over: Partial<EvaluationFacts> = {}): EvaluationFacts => ({
  placements: { central: 0, provincial: 0, municipal: 0, district: 0, total: 0 },
  highlights: 0,
  targets: {},
  budget: null,
  ...over,
});

const entry = (indicator: string, e: Partial<EvaluationEntry>): EvaluationEntry => ({
  indicator,
  value: null,
  score: null,
  reason: null,
  enteredBy: 'editor:王编辑',
  enteredAt: '2022-01-05T00:00:00.000Z',
  ...e,
});

/** A template of the given indicators (YAML), weights as written. */
function template(indicators: string): IndicatorTemplate {
  return parseIndicatorTemplate(`name: t\nindicators:\n${indicators}`);
}

const one = (yaml: string) => template(yaml);

describe('self-evaluation scoring rules', () => {
  describe('ratio: weight × actual ÷ target, capped at the weight', () => {
    const t = one(`  - {id: central, level1: 产出, level2: 上稿数量, level3: 中央级, weight: 100, unit: 篇, actual: placements.central, rule: {kind: ratio, targetFrom: targets.central}}`);
    it.each([
      [6, 12, '50.00', '完成指标值的50.00%，未达指标值'],
      [12, 12, '100.00', null],
      [20, 12, '100.00', null], // over the target: still the weight
      [1, 3, '33.33', '完成指标值的33.33%，未达指标值'],
      [2, 3, '66.67', '完成指标值的66.67%，未达指标值'], // 66.666… rounds half up
    ])('%i of a target of %i → %s', (actual, target, score, deviation) => {
      const ev = evaluate(t, facts({ placements: { central: actual, provincial: 0, municipal: 0, district: 0, total: actual }, targets: { central: target } }), []);
      expect(ev.indicators[0]).toMatchObject({ actual: `${actual}篇`, target: `${target}篇`, score, deviation, source: 'data' });
      expect(ev.total).toBe(score);
    });

    it('no target in the profile → 未评, and the total is incomplete', () => {
      const ev = evaluate(t, facts({ placements: { central: 5, provincial: 0, municipal: 0, district: 0, total: 5 } }), []);
      expect(ev.indicators[0]).toMatchObject({ actual: '5篇', score: null, deviation: '未设定年度目标' });
      expect(ev).toMatchObject({ complete: false, grade: null, unscored: 1, total: '0.00' });
    });
  });

  describe('bands: the first band the value falls in', () => {
    const t = one(`  - id: satisfaction
    level1: 效益
    level2: 满意度
    level3: 服务对象满意度
    weight: 100
    target: "≥90%"
    unit: "%"
    rule: {kind: bands, bands: [{atLeast: 90, score: 100}, {atLeast: 80, score: 80}, {atLeast: 60, score: 50}]}`);
    it.each([
      ['90', '100.00'], // lower bounds are inclusive
      ['89.99', '80.00'],
      ['80', '80.00'],
      ['79.99', '50.00'],
      ['60', '50.00'],
      ['59.99', '0.00'], // below every band
      ['100', '100.00'],
    ])('%s%% → %s', (value, score) => {
      const ev = evaluate(t, facts(), [entry('satisfaction', { value })]);
      expect(ev.indicators[0]).toMatchObject({ actual: `${value}%`, score, source: 'entry', enteredBy: 'editor:王编辑' });
    });

    it('atMost bands (lower is better): 预算调整率 from the budget', () => {
      const t2 = one(`  - {id: adj, level1: 过程, level2: 预算执行, level3: 预算调整率, weight: 100, target: "≤10%", unit: "%", actual: budget.adjustmentRate, rule: {kind: bands, bands: [{atMost: 5, score: 100}, {atMost: 10, score: 60}]}}`);
      const score = (yearStart: number, adjusted: number) =>
        evaluate(t2, facts({ budget: budget(fig(adjusted, { yearStart, adjusted })) }), []).indicators[0];
      expect(score(100_000, 105_000)).toMatchObject({ actual: '5.00%', score: '100.00' });
      expect(score(100_000, 95_000)).toMatchObject({ actual: '5.00%', score: '100.00' }); // a cut counts like a rise
      expect(score(100_000, 105_001)).toMatchObject({ actual: '5.00%', score: '100.00' }); // 5.001% shows and scores as 5.00%
      expect(score(100_000, 110_000)).toMatchObject({ actual: '10.00%', score: '60.00' });
      expect(score(100_000, 110_500)).toMatchObject({ actual: '10.50%', score: '0.00', deviation: '实际完成值未达满分档' });
    });
  });

  describe('manual and yes/no', () => {
    const t = template(`  - {id: goals, level1: 决策, level2: 目标设定, level3: 绩效目标合理性, weight: 40, target: 目标明确, rule: {kind: manual}}
  - {id: rules, level1: 过程, level2: 预算管理, level3: 管理制度健全性, weight: 60, target: 制度健全, rule: {kind: yesno}}`);

    it('a manual value missing → 未评 in the table, and the total says it is incomplete', () => {
      const ev = evaluate(t, facts(), [entry('rules', { value: '是' })]);
      expect(ev.indicators[0]).toMatchObject({ id: 'goals', actual: null, score: null, deviation: '待评价人员评分', source: 'none' });
      expect(ev.indicators[1]).toMatchObject({ id: 'rules', actual: '是', score: '60.00' });
      expect(ev).toMatchObject({ total: '60.00', complete: false, grade: null, unscored: 1 });
    });

    it('every score given → complete, with the grade of the total (lower bounds inclusive)', () => {
      const grade = (goals: string, rules: string) =>
        evaluate(t, facts(), [entry('goals', { score: goals, reason: goals === '40' ? null : '个别目标未量化' }), entry('rules', { value: rules })]);
      expect(grade('30', '是')).toMatchObject({ total: '90.00', grade: '优', complete: true, unscored: 0 });
      expect(grade('29.99', '是')).toMatchObject({ total: '89.99', grade: '良' });
      expect(grade('20', '是')).toMatchObject({ total: '80.00', grade: '良' });
      expect(grade('40', '否')).toMatchObject({ total: '40.00', grade: '差' });
      expect(grade('40', '否').indicators[1]).toMatchObject({ actual: '否', score: '0.00', deviation: '未达到指标要求' });
      expect(grade('30', '是').indicators[0]).toMatchObject({ score: '30.00', deviation: '个别目标未量化' });
    });
  });

  describe('预算执行率 = amount ÷ adjusted, fen-exact, rounded half up to two decimals of a percent', () => {
    const t = one(`  - {id: exec, level1: 过程, level2: 预算执行, level3: 预算执行率, weight: 100, target: "100%", unit: "%", actual: budget.executionRate, rule: {kind: ratio, target: 100}}`);
    const run = (b: BudgetDocument | null) => evaluate(t, facts({ budget: b }), []).indicators[0];

    it('107 fen of 4,000 is 2.675% → 2.68% (binary floating point would say 2.67)', () => {
      expect(run(budget(fig(107, { adjusted: 4000 })))).toMatchObject({ actual: '2.68%', score: '2.68' });
    });
    it('150.36 of 152.00 万元 → 98.92% → 98.92 of 100', () => {
      expect(run(budget(fig(150_360_000, { adjusted: 152_000_000 })))).toMatchObject({ actual: '98.92%', score: '98.92' });
    });
    it('without an adjusted budget → 未评 saying so; without a budget → 未评 saying that', () => {
      expect(run(budget(fig(150_360_000)))).toMatchObject({ actual: null, score: null, deviation: '未录入调整后预算' });
      expect(run(null)).toMatchObject({ actual: null, score: null, deviation: '未录入本年度预算' });
    });
    it('三公经费 and 结转结余 when stated', () => {
      const t2 = template(`  - {id: three, level1: 过程, level2: 预算执行, level3: 三公经费控制率, weight: 50, target: "≤100%", unit: "%", actual: budget.threePublicRate, rule: {kind: bands, bands: [{atMost: 100, score: 50}]}}
  - {id: carry, level1: 过程, level2: 预算执行, level3: 结转结余率, weight: 50, target: "≤10%", unit: "%", actual: budget.carryoverRate, rule: {kind: bands, bands: [{atMost: 10, score: 50}]}}`);
      const b = budget(fig(1_000_000, { adjusted: 1_000_000 }), { threePublic: fig(12_000, { yearStart: 15_000 }), carryover: fig(50_000) });
      const ev = evaluate(t2, facts({ budget: b }), []);
      expect(ev.indicators.map((i) => [i.actual, i.score])).toEqual([
        ['80.00%', '50.00'],
        ['5.00%', '50.00'],
      ]);
      expect(ev).toMatchObject({ total: '100.00', grade: '优', complete: true });
    });
  });
});

describe('indicator templates', () => {
  it('the default follows 决策/过程/产出/效益, sums to 100 and names the framework indicators', () => {
    const t = defaultIndicatorTemplate();
    const sum = (l1: string) => t.indicators.filter((i) => i.level1 === l1).reduce((s, i) => s + i.weight, 0);
    expect([sum('决策'), sum('过程'), sum('产出'), sum('效益')]).toEqual([10, 30, 40, 20]);
    const names = t.indicators.flatMap((i) => [i.level2, i.level3]);
    for (const n of ['目标设定', '预算编制', '预算执行率', '预算调整率', '结转结余率', '三公经费控制率', '管理制度健全性', '资金使用合规性', '信息公开', '上稿数量', '重点稿件', '完成及时性', '社会效益', '服务对象满意度']) {
      expect(names).toContain(n);
    }
  });

  it('refuses weights that do not sum to 100, naming the lines of the weights', () => {
    const text = `name: t
indicators:
  - id: a
    level1: 决策
    level2: 目标设定
    level3: 绩效目标合理性
    weight: 60
    target: x
    rule: {kind: manual}
  - id: b
    level1: 产出
    level2: 上稿数量
    level3: 中央级
    weight: 35
    actual: placements.central
    rule: {kind: ratio, target: 10}
`;
    let err: unknown;
    try {
      parseIndicatorTemplate(text, 'indicators.yaml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TemplateError);
    expect((err as TemplateError).errors).toEqual([
      { field: 'indicators.0.weight', message: 'lines 7, 14: the weights sum to 95, not 100 (a 60 + b 35)' },
    ]);
    expect((err as Error).message).toContain('invalid indicators.yaml');
  });

  it.each([
    ['an unknown rule kind', '    rule: {kind: guess}', /line 8 \(indicators\.0\.rule\.kind\)/],
    ['an unknown field', '    rule: {kind: manual}\n    colour: red', /line 9 \(indicators\.0\.colour\): unknown field/],
    ['a band above the weight', '    rule: {kind: bands, bands: [{atLeast: 1, score: 101}]}', /line 8 \(indicators\.0\.rule\.bands\.0\.score\)/],
  ])('names the line of %s', (_name, rule, message) => {
    const text = `name: t\nindicators:\n  - id: a\n    level1: 决策\n    level2: x\n    level3: y\n    weight: 100\n${rule}\n    target: z\n`;
    expect(() => parseIndicatorTemplate(text)).toThrow(message);
  });

  it('refuses YAML that does not parse, naming the line', () => {
    expect(() => parseIndicatorTemplate('name: t\nindicators: [\n  {id: a\n')).toThrow(/line \d+: /);
  });
});
