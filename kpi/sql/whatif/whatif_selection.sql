-- label: Simulation : pièces concernées / What-if: the documents a change applies to
-- formula: a document is selected when its customer is one of the change's customers and its activity one of its activities (an empty list selects all)
-- unit: —
-- The what-if macros run on a scratch connection holding a copy of the kept ledger in
-- tables named documents and settlements; the stored ledger is never touched.
CREATE OR REPLACE MACRO whatif_selects(customer_id, activity, customers, activities) AS
    (len(customers::VARCHAR[]) = 0 OR list_contains(customers::VARCHAR[], customer_id))
    AND (len(activities::VARCHAR[]) = 0 OR list_contains(activities::VARCHAR[], activity));
