"""Tests of the profilers' pure parts (case grid, row formats, all-reduce sizes); plain python3, no torch.

    python3 experiments/profiling/test_profiling.py
"""

import json
import math
import os
import sys
import unittest

sys.dont_write_bytecode = True  # leave no __pycache__ in the repository
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import allreduce_grid  # noqa: E402
import block_grid  # noqa: E402
import rows  # noqa: E402
import tp_grid  # noqa: E402

ENV = {"gpuName": "NVIDIA H200", "torch": "2.11.0+cu130", "date": "2026-11-28", "nccl": "2.27.7"}


class CaseGridTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cases = block_grid.all_cases(2026)

    def test_the_pure_modules_do_not_import_torch(self):
        self.assertNotIn("torch", sys.modules)

    def test_the_same_seed_gives_the_same_cases_and_another_seed_other_ones(self):
        self.assertEqual(block_grid.all_cases(2026), self.cases)
        self.assertNotEqual([c["id"] for c in block_grid.all_cases(7)], [c["id"] for c in self.cases])

    def test_case_ids_are_unique_and_name_the_block_type_and_phase(self):
        ids = [c["id"] for c in self.cases]
        self.assertEqual(len(ids), len(set(ids)))
        for case in self.cases:
            self.assertTrue(case["id"].startswith(f"{case['block']['type']}-{case['shape']['phase']}-"))

    def test_ids_depend_only_on_the_shape(self):
        a = block_grid.case_id(block_grid.linear(4096), block_grid.decode(8, 1024))
        b = block_grid.case_id({"hidden": 4096, "type": "linear"}, {"contextLen": 1024, "batch": 8, "phase": "decode"})
        self.assertEqual(a, b)
        self.assertNotEqual(a, block_grid.case_id(block_grid.linear(4096), block_grid.decode(8, 1025)))

    def test_every_block_is_valid(self):
        for case in self.cases:
            self.assertEqual(block_grid.block_problems(case["block"]), [], case)

    def test_every_case_fits_the_per_case_memory_and_work_limits(self):
        for case in self.cases:
            self.assertLessEqual(block_grid.case_bytes(case["block"], case["shape"]), block_grid.MAX_CASE_BYTES)
            self.assertLessEqual(block_grid.case_flops(case["block"], case["shape"]), block_grid.MAX_CASE_FLOPS)

    def test_shapes_stay_in_the_ranges_the_brief_asks_for(self):
        for case in self.cases:
            shape = case["shape"]
            self.assertTrue(1 <= shape["batch"] <= 512, case)
            if shape["phase"] == "prefill":
                self.assertTrue(16 <= shape["seqLen"] <= 32768, case)
            else:
                self.assertTrue(128 <= shape["contextLen"] <= 131072, case)
            if case["origin"] == "random":
                self.assertTrue(512 <= case["block"]["hidden"] <= 16384, case)

    def test_the_grid_is_broad(self):
        random_cases = [c for c in self.cases if c["origin"] == "random"]
        attention = [c["block"] for c in random_cases if c["block"]["type"] == "attention"]
        self.assertEqual({b["headDim"] for b in attention}, {64, 80, 96, 128, 256})
        self.assertGreater(len({b["hidden"] for b in attention}), 30)
        self.assertTrue(any(b["hidden"] % 512 for b in attention), "some widths are not multiples of 512")
        self.assertGreater(len({c["block"]["intermediate"] for c in random_cases if c["block"]["type"] == "ffn"}), 50)
        decode = [c["shape"] for c in random_cases if c["shape"]["phase"] == "decode"]
        self.assertLessEqual(min(s["batch"] for s in decode), 2)
        self.assertGreaterEqual(max(s["batch"] for s in decode), 256)
        self.assertGreaterEqual(max(s["contextLen"] for s in decode), 65536)

    def test_there_are_several_hundred_cases_and_some_mamba2(self):
        kinds = [c["block"]["type"] for c in self.cases]
        self.assertTrue(500 <= len(kinds) - kinds.count("mamba2") <= 750)
        self.assertTrue(25 <= kinds.count("mamba2") <= 75)

    def test_famous_blocks_carry_the_published_dimensions(self):
        # shared/reference/models/llama3.1_70b.json: hidden 8192, 64 heads, 8 KV heads, head_dim 128, FFN 28672.
        blocks = [c["block"] for c in self.cases if c["origin"] == "famous"]
        self.assertIn(block_grid.attention(8192, 64, 8, 128), blocks)
        self.assertIn(block_grid.ffn(8192, 28672, "swiglu"), blocks)
        # shared/reference/models/nemotron_h_56b.json: 256 Mamba heads of 64, state 256, 8 groups, conv 4.
        self.assertIn(block_grid.mamba2(8192, 256, 64, 256, 8, 4), blocks)

    def test_puzzle_ffn_widths_follow_the_decilm_rounding(self):
        # shared/reference/README.md: with hidden 8192, ffn_mult 2.625 -> 14336 and 1.3125 -> 7168.
        widths = {b["intermediate"] for b in block_grid.puzzle_70b_variants() if b["type"] == "ffn"}
        self.assertIn(14336, widths)
        self.assertIn(7168, widths)

    def test_block_problems_name_the_field_and_the_fix(self):
        self.assertEqual(block_grid.block_problems(block_grid.attention(8192, 64, 7, 128)),
                         ["invalid kvHeads: 7 (must divide heads = 64)"])
        self.assertEqual(block_grid.block_problems(block_grid.linear(0)),
                         ["invalid hidden: 0 (must be a positive integer)"])

    def test_linear_flops_are_two_per_multiply_add(self):
        self.assertEqual(block_grid.case_flops(block_grid.linear(8192), block_grid.prefill(2, 1024)),
                         2 * 2048 * 8192 * 8192)

    def test_decode_attention_memory_counts_the_kv_cache(self):
        block = block_grid.attention(8192, 64, 8, 128)
        small = block_grid.case_bytes(block, block_grid.decode(1, 1024))
        large = block_grid.case_bytes(block, block_grid.decode(1, 2048))
        # 1024 more tokens of K and V, 8 heads x 128 dims, 2 bytes each.
        self.assertEqual(large - small, 1024 * 2 * 8 * 128 * 2)

    def test_a_pilot_takes_every_family(self):
        pilot = block_grid.pilot_cases(self.cases, 20)
        self.assertEqual(len(pilot), 20)
        families = {(c["block"]["type"], c["shape"]["phase"]) for c in pilot}
        self.assertEqual(len(families), 8)


class RowsTest(unittest.TestCase):
    case = {"id": "attention-decode-0123456789", "block": block_grid.attention(8192, 64, 8, 128),
            "shape": block_grid.decode(64, 4096)}
    stats = {"reps": 4, "copies": 2, "replays": 50, "iqrUs": 0.8}

    def test_a_block_row_is_a_predict_query_plus_the_measurement(self):
        row = rows.block_row(self.case, "fp8", 123.45678, ENV, "torch", self.stats)
        self.assertEqual(row["id"], "attention-decode-0123456789-fp8")
        self.assertEqual(row["gpu"], "h200")
        self.assertEqual(row["phase"], "decode")
        self.assertEqual(row["batch"], 64)
        self.assertEqual(row["contextLen"], 4096)
        self.assertNotIn("seqLen", row)
        self.assertEqual(row["measuredUs"], 123.457)
        self.assertEqual(row["block"], self.case["block"])
        for field in ("gpuName", "torch", "date", "impl", "reps", "copies", "replays", "iqrUs"):
            self.assertIn(field, row)
        self.assertEqual(json.loads(rows.to_line(row)), row)
        self.assertTrue(rows.to_line(row).endswith("}\n"))

    def test_a_block_row_refuses_a_time_that_is_not_positive_and_finite(self):
        for bad in (0, -1.0, math.nan, math.inf):
            with self.assertRaises(ValueError):
                rows.block_row(self.case, "bf16", bad, ENV, "torch", self.stats)
        with self.assertRaisesRegex(ValueError, "invalid dtype"):
            rows.block_row(self.case, "fp16", 1.0, ENV, "torch", self.stats)

    def test_gpu_keys_follow_the_device_names(self):
        self.assertEqual(rows.gpu_key("NVIDIA H200"), "h200")
        self.assertEqual(rows.gpu_key("NVIDIA H100 80GB HBM3"), "h100-sxm")
        self.assertEqual(rows.gpu_key("NVIDIA H100 PCIe"), "h100-pcie")
        self.assertEqual(rows.gpu_key("NVIDIA RTX 6000 Ada Generation"), "nvidia-rtx-6000-ada-generation")

    def test_an_allreduce_row_carries_the_bus_bandwidth_dtype_mode_and_nvls(self):
        row = rows.allreduce_row(8, 16 * 1024 * 1024, 100.0, ENV, "fp8", "graph")
        self.assertEqual(row["kind"], "allreduce")
        self.assertEqual(row["id"], "allreduce-graph-fp8-8-16777216")
        # nccl-tests' definition: busbw = algbw x 2(n-1)/n; 16 MiB in 100 us is 167.77 GB/s algbw.
        self.assertAlmostEqual(row["busGBs"], 167.772 * 1.75, places=2)
        self.assertEqual((row["dtype"], row["mode"], row["nvls"]), ("fp8", "graph", False))
        for field in ("ranks", "bytes", "measuredUs", "gpu", "gpuName", "torch", "nccl", "date"):
            self.assertIn(field, row)

    def test_an_allreduce_row_refuses_one_rank_no_bytes_and_unknown_dtypes_or_modes(self):
        with self.assertRaisesRegex(ValueError, "invalid ranks"):
            rows.allreduce_row(1, 1024, 10.0, ENV)
        with self.assertRaisesRegex(ValueError, "invalid bytes"):
            rows.allreduce_row(2, 0, 10.0, ENV)
        with self.assertRaisesRegex(ValueError, "invalid dtype"):
            rows.allreduce_row(2, 1024, 10.0, ENV, "fp16")
        with self.assertRaisesRegex(ValueError, "invalid mode"):
            rows.allreduce_row(2, 1024, 10.0, ENV, "bf16", "lazy")

    def test_a_tp_block_row_is_the_block_row_plus_its_degree_and_all_reduce(self):
        row = rows.tp_block_row(self.case, "bf16", 4, 80.0, 12.3456, ENV, "torch", self.stats)
        self.assertEqual(row["id"], "attention-decode-0123456789-bf16-tp4")
        self.assertEqual((row["tp"], row["allreduceUs"], row["nccl"], row["nvls"]), (4, 12.346, "2.27.7", False))
        # The query is the whole, unsplit block: nas-sim splits it itself when told tp.
        self.assertEqual(row["block"], self.case["block"])
        with self.assertRaisesRegex(ValueError, "invalid tp"):
            rows.tp_block_row(self.case, "bf16", 1, 80.0, 12.0, ENV, "torch", self.stats)
        with self.assertRaisesRegex(ValueError, "allreduceUs"):
            rows.tp_block_row(self.case, "bf16", 2, 80.0, 0, ENV, "torch", self.stats)


class AllreduceGridTest(unittest.TestCase):
    def test_message_sizes_run_from_4_kib_to_256_mib_four_per_octave(self):
        sizes = allreduce_grid.message_sizes()
        self.assertEqual(sizes, sorted(set(sizes)))
        self.assertEqual(sizes[0], 4 * 1024)
        self.assertEqual(sizes[-1], 256 * 1024 * 1024)
        self.assertEqual(len(sizes), 16 * 4 + 1)
        self.assertTrue(all(s % allreduce_grid.ALIGN_BYTES == 0 for s in sizes))
        # Neighbours are about 2**(1/4) = 1.19 apart, so every size can be held out and bracketed.
        ratios = [b / a for a, b in zip(sizes, sizes[1:])]
        self.assertTrue(all(1.1 < r < 1.3 for r in ratios), ratios)

    def test_message_bytes_are_tokens_times_hidden_in_bf16(self):
        self.assertEqual(allreduce_grid.message_bytes(128, 8192), 128 * 8192 * 2)

    def test_group_sizes_run_from_two_to_eight(self):
        self.assertEqual(allreduce_grid.tp_degrees(8), [2, 3, 4, 5, 6, 7, 8])
        self.assertEqual(allreduce_grid.tp_degrees(2), [2])
        self.assertEqual(allreduce_grid.tp_degrees(1), [])
        self.assertEqual(allreduce_grid.tp_degrees(16), [2, 3, 4, 5, 6, 7, 8])


class TpGridTest(unittest.TestCase):
    def test_shards_split_heads_widths_and_inputs_as_nas_sim_does(self):
        # Llama-3.1-70B (shared/reference/models/llama3.1_70b.json) at TP 4 and 16.
        attn = block_grid.attention(8192, 64, 8, 128)
        self.assertEqual(tp_grid.shard(attn, 4), {**attn, "heads": 16, "kvHeads": 2})
        # Fewer KV heads than GPUs: each GPU keeps one replica (src/blocks/tensor-parallel.ts).
        self.assertEqual(tp_grid.shard(attn, 16)["kvHeads"], 1)
        self.assertEqual(tp_grid.shard(block_grid.ffn(8192, 28672, "swiglu"), 4)["intermediate"], 7168)
        self.assertEqual(tp_grid.shard(block_grid.linear(8192), 8)["inFeatures"], 1024)

    def test_blocks_that_do_not_split_are_refused_with_the_field(self):
        self.assertEqual(tp_grid.split_problem(block_grid.attention(4096, 24, 8, 128), 16),
                         "heads: 24 (cannot be split evenly over tp = 16)")
        self.assertEqual(tp_grid.split_problem(block_grid.attention(4096, 32, 6, 128), 4),
                         "kvHeads: 6 (cannot be split evenly over tp = 4)")
        self.assertIsNotNone(tp_grid.split_problem(block_grid.mamba2(8192, 256, 64, 256, 8, 4), 2))
        with self.assertRaisesRegex(ValueError, "intermediate"):
            tp_grid.shard(block_grid.ffn(4096, 14337, "swiglu"), 2)

    def test_the_default_cases_are_published_models_that_split_at_tp_8(self):
        cases = tp_grid.default_cases(2026)
        self.assertGreater(len(cases), 100)
        self.assertTrue(all(c["origin"] == "famous" and c["block"]["type"] in tp_grid.TP_KINDS for c in cases))
        at8 = tp_grid.tp_cases(cases, 8)
        # Every Llama-3.1-70B block splits over 8 GPUs.
        self.assertIn(block_grid.ffn(8192, 28672, "swiglu"), [c["block"] for c in at8])

    def test_the_message_is_every_token_of_the_step(self):
        self.assertEqual(tp_grid.message_tokens(block_grid.decode(64, 4096)), 64)
        self.assertEqual(tp_grid.message_tokens(block_grid.prefill(4, 2048)), 8192)


if __name__ == "__main__":
    unittest.main()
